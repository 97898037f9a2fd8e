let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ ({ x, ... }: { a = x; }) { options.a = lib.mkOption { type = lib.types.int; }; } ]; args = { x = 5; }; }).config
