let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.nullOr lib.types.int; }; } { v = 3; } ]; }).config
