let lib = import <sysrebuild/lib>; in lib.showOption [ "a" "b.c" "d" ]
