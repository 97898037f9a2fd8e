let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.anything; }; } { v = 1; } { v = "x"; } ]; }).config
