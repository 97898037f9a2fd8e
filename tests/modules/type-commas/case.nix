let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.commas; }; } { v = "a"; } { v = "b"; } { v = "c"; } ]; }).config
