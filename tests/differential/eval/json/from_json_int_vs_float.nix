# integers stay ints, exponents become floats
map builtins.typeOf (builtins.fromJSON "[1, 1.0, 1e2]")
