# tryEval success
builtins.tryEval 42
