# ++ is right associative
let x = [ 1 ]; in x ++ x ++ x
