let lib = import <sysrebuild/lib>; in with lib.types; [ (listOf int).emptyValue.value (attrsOf int).emptyValue.value (nullOr int).emptyValue.value ]
