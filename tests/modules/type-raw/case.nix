let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.raw; }; } { v = { x = 1; }; } ]; }).config
