let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ ]; }).config
