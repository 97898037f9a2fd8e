let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ 42 ]; }).config
