let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.passwdEntry lib.types.str; }; } { v = "a:b"; } ]; }).config
