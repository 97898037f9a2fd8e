let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.anything; }; } { v = { a = lib.mkIf false 1; b = 2; }; } ]; }).config
