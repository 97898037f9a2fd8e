let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; }; } ({ foo, ... }: { a = foo; }) ]; specialArgs = { foo = 7; }; }).config
