let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.ints.s32; }; } { v = 2147483647; } ]; }).config
