# seq forces first arg
builtins.seq (throw "x") 1
