# application binds tighter than unary minus
let f = x: x; in -f 3
