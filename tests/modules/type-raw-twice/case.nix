let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.raw; }; } { v = 1; } { v = 1; } ]; }).config
