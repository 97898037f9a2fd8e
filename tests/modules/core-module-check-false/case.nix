let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { _module.check = false; undeclared = 1; } ]; }).config
