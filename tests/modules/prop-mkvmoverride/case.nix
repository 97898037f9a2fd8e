let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; }; } { a = lib.mkForce 1; } { a = lib.mkVMOverride 2; } ]; }).config
