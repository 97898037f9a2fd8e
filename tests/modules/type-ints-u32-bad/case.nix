let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.ints.u32; }; } { v = 4294967296; } ]; }).config
