let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.either lib.types.int lib.types.str; }; } { v = 1; } ]; }).config
