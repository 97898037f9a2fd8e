let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.hostName = lib.mkOption { type = lib.types.str; default = ""; }; } { hostname = "x"; } ]; }).config
