# tryEval catches throw
builtins.tryEval (throw "x")
