let lib = import <sysrebuild/lib>; in let o = (lib.evalModules { modules = [ { options.e = lib.mkEnableOption "the thing"; } ]; }).options; in [ o.e.value o.e.description o.e.type.description ]
