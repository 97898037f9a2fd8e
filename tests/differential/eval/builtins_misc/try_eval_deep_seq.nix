# tryEval with deepSeq catches nested throw
builtins.tryEval (builtins.deepSeq { a = throw "x"; } 1)
