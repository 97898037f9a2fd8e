# path + string is a path
builtins.typeOf (./. + "/foo")
