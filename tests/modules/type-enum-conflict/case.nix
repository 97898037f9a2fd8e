let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.enum [ "a" "b" ]; }; } { v = "a"; } { v = "b"; } ]; }).config
