let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { } { _file = "f.nix"; zzz = 1; } ]; }).config
