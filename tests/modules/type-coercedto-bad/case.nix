let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.coercedTo lib.types.int toString lib.types.str; }; } { v = true; } ]; }).config
