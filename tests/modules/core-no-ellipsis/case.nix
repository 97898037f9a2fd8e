let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ ({ lib, config }: { options.a = lib.mkOption { default = 3; }; }) ]; }).config
