let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a = lib.mkOption { type = lib.types.listOf lib.types.int; }; } ]; }).options.a.type.description
