let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.s = lib.mkOption { type = lib.types.str; }; } { _file = "a.nix"; s = "x"; } { _file = "b.nix"; s = "y"; } ]; }).config
