let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; }; } { a = lib.mkMerge [ (lib.mkForce 1) 2 ]; } ]; }).config
