let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.r = lib.mkOption { type = lib.types.int; readOnly = true; }; } { r = 1; } ]; }).config
