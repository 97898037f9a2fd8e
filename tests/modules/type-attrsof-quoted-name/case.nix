let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.attrsOf lib.types.int; }; } { v = { "a.b" = "x"; }; } ]; }).config
