let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.envVar; }; } { v = "/bin"; } { v = "/usr/bin"; } ]; }).config
