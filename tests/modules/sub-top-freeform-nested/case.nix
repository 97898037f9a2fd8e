let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { freeformType = lib.types.attrsOf (lib.types.attrsOf lib.types.int); } { a.b = 1; } { a.c = 2; } ]; }).config
