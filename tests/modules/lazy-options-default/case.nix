let lib = import <sysrebuild/lib>; in let o = (lib.evalModules { modules = [ { options.a = lib.mkOption { default = 3; example = 4; }; } ]; }).options; in [ o.a.default o.a.example ]
