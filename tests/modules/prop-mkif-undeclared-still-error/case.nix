let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { } { config = lib.mkIf false { nope = 1; }; } ]; }).config
