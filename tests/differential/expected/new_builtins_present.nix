# the builtins newer than Nix 2.8 that sysrebuild provides
map (n: builtins.hasAttr n builtins) [ "convertHash" "readFileType" "warn" "traceVerbose" ]
