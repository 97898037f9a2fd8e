# building a long string
builtins.stringLength (builtins.foldl' (a: b: a + "x") "" (builtins.genList (x: x) 10000))
