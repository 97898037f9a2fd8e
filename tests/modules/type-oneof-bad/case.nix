let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.oneOf [ lib.types.int lib.types.str lib.types.bool ]; }; } { v = 1.5; } ]; }).config
