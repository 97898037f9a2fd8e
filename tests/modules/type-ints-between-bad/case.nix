let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.ints.between 1 5; }; } { v = 6; } ]; }).config
