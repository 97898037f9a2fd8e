# lessThan floats
[ (builtins.lessThan 1.5 2) (builtins.lessThan 2 1.5) ]
