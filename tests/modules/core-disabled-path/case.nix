let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ ./a.nix ./b.nix { disabledModules = [ ./b.nix ]; } ]; }).config
