let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.l = lib.mkOption { type = lib.types.listOf lib.types.int; }; } { l = [ 1 ]; } { l = [ 1 ]; } ]; }).config
