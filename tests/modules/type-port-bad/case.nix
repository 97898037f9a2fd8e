let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.port; }; } { v = 70000; } ]; }).config
