# unary minus vs binary
let x = 5; in [ (-x) (0 -x) (- -x) (2 - -3) (-x * 2) ]
