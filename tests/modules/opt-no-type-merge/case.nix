let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { }; } { a = [ 1 ]; } { a = [ 2 ]; } ]; }).config
