let lib = import <sysrebuild/lib>; in let f = (lib.types.listOf lib.types.int).functor; in [ f.name f.wrapped.name ]
