let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { _file = "m.nix"; config.a = 1; bar = 2; } ]; }).config
