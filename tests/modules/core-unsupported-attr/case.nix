let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { _file = "m.nix"; options.a = lib.mkOption { }; foo = 1; } ]; }).config
