# float in list tostring
builtins.toString [ 1.5 2 ]
