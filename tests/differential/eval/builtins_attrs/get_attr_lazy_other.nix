# getAttr does not force other attrs
builtins.getAttr "a" { a = 1; b = throw "no"; }
