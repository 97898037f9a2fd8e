let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.l = lib.mkOption { type = lib.types.listOf lib.types.int; default = [ ]; }; } ]; }).config
