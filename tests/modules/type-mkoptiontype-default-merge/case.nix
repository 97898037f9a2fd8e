let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.mkOptionType { name = "x"; }; }; } { v = [ 1 ]; } { v = [ 2 ]; } ]; }).config
