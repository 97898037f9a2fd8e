# tryEval is shallow
(builtins.tryEval { a = throw "x"; }).success
