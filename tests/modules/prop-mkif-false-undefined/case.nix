let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; }; } { a = lib.mkIf false 1; } ]; }).config
