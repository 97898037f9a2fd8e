let
  lib = import <sysrebuild/lib>;
  m = (lib.evalModules { modules = [ { options.sink = lib.mkSinkUndeclaredOptions { }; } { sink.any.thing = 1; } ]; }).config; in builtins.attrNames m
