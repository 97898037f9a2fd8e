let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.nonEmptyListOf lib.types.int; }; } { v = [ ]; } ]; }).config
