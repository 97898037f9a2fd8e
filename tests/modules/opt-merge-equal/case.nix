let lib = import <sysrebuild/lib>; in lib.mergeEqualOption [ "x" ] [ { file = "a"; value = 1; } { file = "b"; value = 1; } ]
