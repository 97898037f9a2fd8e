# mul of large values
builtins.mul 1000000000 1000000000
