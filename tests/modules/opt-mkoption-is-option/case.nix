let lib = import <sysrebuild/lib>; in (lib.mkOption { })._type
