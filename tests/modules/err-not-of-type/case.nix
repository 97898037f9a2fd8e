let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.m0.o1 = lib.mkOption { type = lib.types.int; }; } { _file = "/path/m0.nix"; m0.o1 = "x"; } ]; }).config
