let
  lib = import <sysrebuild/lib>;
  m = (lib.evalModules { modules = [ { options.new = lib.mkOption { type = lib.types.int; default = 0; }; } (lib.mkAliasOptionModule [ "al" ] [ "new" ]) { al = 2; } ]; }).config; in [ m.new m.al ]
