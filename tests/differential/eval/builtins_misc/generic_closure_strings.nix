# genericClosure with string keys and extra attrs
builtins.genericClosure { startSet = [ { key = "a"; v = 1; } { key = "b"; v = 2; } ]; operator = item: [ { key = "a"; v = 99; } ]; }
