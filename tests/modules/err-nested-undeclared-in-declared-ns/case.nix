let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a.b = lib.mkOption { default = 1; }; } { a.c = 2; } ]; }).config
