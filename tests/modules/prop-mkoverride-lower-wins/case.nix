let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; }; } { a = lib.mkOverride 20 1; } { a = lib.mkOverride 30 2; } ]; }).config
