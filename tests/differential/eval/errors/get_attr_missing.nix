# getAttr of a missing attribute
builtins.getAttr "nope" { }
