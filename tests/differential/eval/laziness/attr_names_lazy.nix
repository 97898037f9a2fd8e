# attrNames does not force values
builtins.attrNames { a = throw "x"; b = abort "y"; }
