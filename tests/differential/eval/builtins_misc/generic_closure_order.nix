# genericClosure order is BFS-ish as implemented
builtins.genericClosure { startSet = [ { key = 3; } { key = 1; } ]; operator = i: if i.key > 0 then [ { key = i.key - 1; } ] else [ ]; }
