let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.listOf lib.types.int; }; } { v = [ 1 (lib.mkIf false 2) 3 ]; } ]; }).config
