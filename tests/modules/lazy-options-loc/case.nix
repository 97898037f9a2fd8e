let lib = import <sysrebuild/lib>; in (lib.evalModules { modules = [ { options.a.b = lib.mkOption { }; } ]; }).options.a.b.loc
