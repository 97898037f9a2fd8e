let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.foo = lib.mkOption { type = lib.types.str; }; } ]; }).config
