let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; default = 0; }; } { a = lib.mkDefault 1; } ]; }).config
