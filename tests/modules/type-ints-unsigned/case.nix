let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.ints.unsigned; }; } { v = 0; } ]; }).config
