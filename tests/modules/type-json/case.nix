let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.json; }; } { v = { a = [ 1 "x" null ]; }; } { v = { b.c = true; }; } ]; }).config
