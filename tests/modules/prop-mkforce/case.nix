let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; }; } { a = 1; } { a = lib.mkForce 2; } ]; }).config
