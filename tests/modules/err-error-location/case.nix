let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ ./m.nix ]; }).config
