let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ ./a.nix { a = 5; } ]; }).config
