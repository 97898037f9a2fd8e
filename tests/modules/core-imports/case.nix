let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { imports = [ { options.a = lib.mkOption { type = lib.types.int; default = 1; }; } ]; } ]; }).config
