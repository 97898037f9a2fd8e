let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.boolByOr; }; } { v = false; } { v = true; } ]; }).config
