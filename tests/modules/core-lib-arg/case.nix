let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ ({ lib, ... }: { options.a = lib.mkOption { default = lib.toUpper "x"; }; }) ]; }).config
