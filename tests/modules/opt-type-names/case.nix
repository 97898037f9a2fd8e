let lib = import <sysrebuild/lib>; in with lib.types; map (t: t.name) [ str (listOf int) (attrsOf int) (lazyAttrsOf int) (nullOr int) (either int str) (submodule { }) (enum [ ]) ]
