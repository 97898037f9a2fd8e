let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ ]; }).type.description
