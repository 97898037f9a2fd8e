let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ ./a.nix ./a.nix { imports = [ ./a.nix ]; } ]; }).config
