# genericClosure with many nodes
builtins.length (builtins.genericClosure { startSet = [ { key = 0; } ]; operator = i: if i.key < 5000 then [ { key = i.key + 1; } ] else [ ]; })
