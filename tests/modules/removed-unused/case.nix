let
  lib = import <sysrebuild/lib>;
  m = (lib.evalModules { modules = [ { options.warnings = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; }; options.assertions = lib.mkOption { type = lib.types.listOf lib.types.unspecified; default = [ ]; }; } (lib.mkRemovedOptionModule [ "gone" ] "Use something else.") ]; }).config.assertions; in map (a: a.assertion) m
