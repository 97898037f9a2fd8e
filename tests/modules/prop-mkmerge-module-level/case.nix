let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; }; } (lib.mkMerge [ { a = 1; } ]) ]; }).config
