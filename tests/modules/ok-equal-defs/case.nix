let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.b = lib.mkOption { type = lib.types.str; }; } { b = "same"; } { b = "same"; } ]; }).config
