# deepSeq on safe value
builtins.deepSeq { a = [ 1 { b = 2; } ]; } "done"
