let lib = import <sysrebuild/lib>; in lib.literalExpression "pkgs.x"
