let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ ]; specialArgs = { x = 1; }; })._module.specialArgs
