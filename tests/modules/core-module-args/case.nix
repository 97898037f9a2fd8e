let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; }; } { _module.args.bar = 9; } ({ bar, ... }: { a = bar; }) ]; }).config
