let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { __functor = self: { lib, ... }: { options.a = lib.mkOption { default = 4; }; }; } ]; }).config
