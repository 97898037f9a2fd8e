let lib = import <sysrebuild/lib>; in with lib.types; [ (str.getSubModules == null) (builtins.length (submodule { }).getSubModules) ]
