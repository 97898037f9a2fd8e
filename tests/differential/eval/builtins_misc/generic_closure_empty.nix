# genericClosure with empty startSet
builtins.genericClosure { startSet = [ ]; operator = x: [ ]; }
