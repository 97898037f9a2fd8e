# deepSeq forces nested throw
builtins.deepSeq { a = [ (throw "x") ]; } 1
