let lib = import <sysrebuild/lib>; in with lib.types; str.typeMerge int.functor
