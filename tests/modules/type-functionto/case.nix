let
  lib = import <sysrebuild/lib>;
  m = (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.functionTo lib.types.int; }; } { v = x: x + 1; } ]; }).config.v 3; in m
