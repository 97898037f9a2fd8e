let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.separatedString ";"; }; } { v = "a"; } { v = "b"; } ]; }).config
