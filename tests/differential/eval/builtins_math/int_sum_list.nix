# sum via foldl'
builtins.foldl' builtins.add 0 [ 1 2 3 4 5 6 7 8 9 10 ]
