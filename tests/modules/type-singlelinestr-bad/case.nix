let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.v = lib.mkOption { type = lib.types.singleLineStr; }; } { v = "a\nb"; } ]; }).config
