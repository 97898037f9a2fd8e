let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.attrsOf lib.types.int; }; } { v = { a = 1; }; } { v = { a = 2; }; } ]; }).config
