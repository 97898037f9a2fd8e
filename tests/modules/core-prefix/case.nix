let lib = import <sysrebuild/lib>; in (lib.evalModules { prefix = [ "pre" "fix" ]; modules = [ { options.a = lib.mkOption { type = lib.types.int; }; } { a = "x"; } ]; }).config
