let lib = import <sysrebuild/lib>; in let o = (lib.evalModules { modules = [ { options.a = lib.mkOption { }; } ]; }).options; in [ (lib.isOption o.a) (lib.isOption o) ]
