# builtins.traceVerbose (Nix >= 2.10) returns its second argument
builtins.traceVerbose "verbose" "value"
