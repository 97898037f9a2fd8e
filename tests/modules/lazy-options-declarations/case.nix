let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { _file = "decl.nix"; options.a = lib.mkOption { }; } ]; }).options.a.declarations
