let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.str; apply = lib.toUpper; }; } { a = "x"; } ]; }).config
