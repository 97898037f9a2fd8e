let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.uniq lib.types.int; }; } { v = "x"; } ]; }).config
