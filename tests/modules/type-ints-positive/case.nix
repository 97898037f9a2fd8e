let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.ints.positive; }; } { v = 1; } ]; }).config
