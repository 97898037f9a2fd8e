let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.attrsOf lib.types.int; }; } { a.x = 1; a.y = throw "lazy?"; } ]; }).config.a.x
