let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.x.y = lib.mkOption { type = lib.types.int; default = 0; }; } { x = lib.mkIf true { y = 3; }; } ]; }).config
