let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.listOf (lib.types.nullOr lib.types.str); }; } { v = [ 1 ]; } ]; }).config
