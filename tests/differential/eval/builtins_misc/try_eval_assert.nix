# tryEval catches assertion failure
builtins.tryEval (assert false; 1)
