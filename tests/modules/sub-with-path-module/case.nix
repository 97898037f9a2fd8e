let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ ./mod.nix ]; }).config
