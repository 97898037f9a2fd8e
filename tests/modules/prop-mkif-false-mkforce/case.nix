let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; }; } { a = lib.mkIf false (lib.mkForce 1); } { a = 2; } ]; }).config
