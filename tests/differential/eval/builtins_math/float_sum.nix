# float summation accumulates error
builtins.foldl' builtins.add 0.0 (builtins.genList (x: 0.1) 10)
