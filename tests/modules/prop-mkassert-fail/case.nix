let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; }; } { a = lib.mkAssert false "not fine" 1; } ]; }).config
