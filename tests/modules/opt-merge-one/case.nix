let lib = import <sysrebuild/lib>; in lib.mergeOneOption [ "x" "y" ] [ { file = "a"; value = 1; } { file = "b"; value = 1; } ]
