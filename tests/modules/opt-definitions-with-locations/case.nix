let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.int; }; } { _file = "f.nix"; a = 1; } ]; }).options.a.definitionsWithLocations
