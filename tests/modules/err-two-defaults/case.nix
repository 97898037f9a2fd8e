let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { default = 1; }; } { options.a = lib.mkOption { default = 2; }; } ]; }).config
