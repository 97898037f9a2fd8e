let lib = import <sysrebuild/lib>; in lib.literalMD "*x*"
