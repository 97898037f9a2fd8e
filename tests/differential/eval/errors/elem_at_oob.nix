# elemAt out of bounds
builtins.elemAt [ 1 ] 1
