let
  lib = import <sysrebuild/lib>;
  m = (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.deferredModule; }; } { v = { a = 1; }; } { v = { a = lib.mkForce 2; }; } ]; }).config.v; in (lib.evalModules { modules = [ { options.a = lib.mkOption {}; } m ]; }).config
