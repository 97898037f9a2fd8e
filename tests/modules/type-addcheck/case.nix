let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.addCheck lib.types.int (x: x > 10); }; } { v = 11; } ]; }).config
