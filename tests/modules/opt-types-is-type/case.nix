let lib = import <sysrebuild/lib>; in [ (lib.types.isType "option-type" lib.types.str) (lib.isOptionType (lib.types.listOf lib.types.int)) (lib.types.attrsOf lib.types.int)._type ]
