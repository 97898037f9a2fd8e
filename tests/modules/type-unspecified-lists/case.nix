let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.unspecified; }; } { v = [ 1 ]; } { v = [ 2 ]; } ]; }).config
