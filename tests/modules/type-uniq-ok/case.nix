let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.uniq (lib.types.listOf lib.types.int); }; } { v = [ 1 ]; } ]; }).config
