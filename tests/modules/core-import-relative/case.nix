let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ ./sub/a.nix ]; }).config
