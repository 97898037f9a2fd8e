let lib = import <sysrebuild/lib>; in builtins.attrNames (lib.evalModules { modules = [ ]; })
