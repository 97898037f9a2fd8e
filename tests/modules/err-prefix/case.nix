let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { _file = "p.nix"; options.a = lib.mkOption { }; } { _file = "q.nix"; options.a.b = lib.mkOption { }; } ]; }).config
