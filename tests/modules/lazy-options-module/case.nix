let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [  ]; }).options._module.check.value
