let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a.b.c = lib.mkOption { type = lib.types.str; }; } { a.b.c = "x"; } ]; }).config
