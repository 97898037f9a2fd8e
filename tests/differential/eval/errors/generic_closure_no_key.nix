# genericClosure without key
builtins.genericClosure { startSet = [ { a = 1; } ]; operator = x: [ ]; }
