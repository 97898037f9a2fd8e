let
  lib = import <sysrebuild/lib>;
  m = (lib.evalModules { modules = [ { options.m = lib.mkOption { type = lib.types.deferredModuleWith { staticModules = [ { options.q = lib.mkOption { default = 1; }; } ]; }; }; } { m = { q = 2; }; } ]; }).config.m; in (lib.evalModules { modules = [ m ]; }).config
