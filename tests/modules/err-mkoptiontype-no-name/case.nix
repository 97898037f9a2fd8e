let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.mkOptionType { check = x: true; }; }; } { a = 1; } ]; }).config.a
