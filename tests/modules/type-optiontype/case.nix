let
  lib = import <sysrebuild/lib>;
  m = (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.optionType; }; } { v = lib.types.int; } ]; }).config.v.description; in m
