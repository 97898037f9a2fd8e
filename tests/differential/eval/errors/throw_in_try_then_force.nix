# tryEval result then forced error
(builtins.tryEval (throw "x")).value + 1
