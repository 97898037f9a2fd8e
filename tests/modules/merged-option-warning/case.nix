let
  lib = import <sysrebuild/lib>;
  m = (lib.evalModules { modules = [ { options.new = lib.mkOption { type = lib.types.str; default = ""; }; }{ options.warnings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; }; options.assertions = lib.mkOption { type = lib.types.listOf lib.types.unspecified; default = [ ]; }; } (lib.mkMergedOptionModule [ [ "a" ] ] [ "new" ] (config: config.a)) { _file = "w.nix"; a = "x"; } ]; }).config.warnings; in if builtins.length m == 1 && lib.hasInfix "has been changed to `new'" (builtins.head m) then throw "ERR:" else m
