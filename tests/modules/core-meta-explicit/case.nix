let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.meta = lib.mkOption { type = lib.types.attrs; default = {}; }; } { meta.x = 1; config = { }; } ]; }).config
