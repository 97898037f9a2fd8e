let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; }; } ({ config, ... }: { a = config.a + 1; }) ]; }).config
