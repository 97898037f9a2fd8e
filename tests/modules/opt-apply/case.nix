let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; default = 1; apply = x: x * 100; }; } ]; }).config
