let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.s = lib.mkOption { type = lib.types.attrsOf lib.types.int; }; } { s = { x = lib.mkIf false 1; y = 2; }; } ]; }).config
