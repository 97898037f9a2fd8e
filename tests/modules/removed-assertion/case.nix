let
  lib = import <sysrebuild/lib>;
  m = (lib.evalModules { modules = [ { options.warnings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; }; options.assertions = lib.mkOption { type = lib.types.listOf lib.types.unspecified; default = [ ]; }; } (lib.mkRemovedOptionModule [ "gone" ] "Use something else.") { gone = 1; } ]; }).config.assertions; in builtins.any (a: !a.assertion && lib.hasInfix "no longer has any effect" a.message) m
