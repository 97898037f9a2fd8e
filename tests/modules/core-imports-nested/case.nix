let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { imports = [ { imports = [ { options.a = lib.mkOption { type = lib.types.int; }; } ]; } { a = 2; } ]; } ]; }).config
