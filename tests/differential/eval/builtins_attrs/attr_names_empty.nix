# attrNames of empty set
builtins.attrNames { }
