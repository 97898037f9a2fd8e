let lib = import <sysrebuild/lib>; in with lib.types; (submodule { }).typeMerge (submodule { }).functor != null
