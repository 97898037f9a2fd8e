# fromJSON of -0 and large exponent
builtins.fromJSON "[-0, 1.5e300]"
