# sort integers
builtins.sort builtins.lessThan [ 3 1 2 10 (-5) 0 ]
