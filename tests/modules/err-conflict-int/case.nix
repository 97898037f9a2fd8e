let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.b = lib.mkOption { type = lib.types.int; }; } { b = 1; } { b = 2; } ]; }).config
