let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.toml; }; } { v = { a.b = 1.5; }; } ]; }).config
