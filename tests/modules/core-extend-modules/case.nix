let lib = import <sysrebuild/lib>; in let e = lib.evalModules { modules = [ { options.a = lib.mkOption { default = 1; }; } ]; }; in (e.extendModules { modules = [ { a = 2; } ]; }).config
