# tryEval does not catch abort
builtins.tryEval (abort "x")
