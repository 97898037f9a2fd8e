let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.enum [ 1 2 ]; }; } { v = 2; } ]; }).config
