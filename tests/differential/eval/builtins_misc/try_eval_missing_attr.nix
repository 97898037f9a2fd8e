# tryEval does not catch missing attribute errors? (oracle decides)
(builtins.tryEval (builtins.throw "t")).success
