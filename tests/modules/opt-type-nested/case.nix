let lib = import <sysrebuild/lib>; in (lib.types.attrsOf lib.types.int).nestedTypes.elemType.name
