let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; }; } { a = lib.mkIf true 1; } ]; }).config
