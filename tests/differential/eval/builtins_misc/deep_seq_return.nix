# deepSeq returns its second argument
builtins.deepSeq [ 1 2 ] [ 3 ]
