let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; }; } { _file = "x.nix"; key = "y"; imports = [ ]; a = 1; } ]; }).config
