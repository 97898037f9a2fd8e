# bitwise with negatives
[ (builtins.bitOr (-8) 3) (builtins.bitXor (-1) 0) ]
