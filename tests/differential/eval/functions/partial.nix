# partial application
let add = a: b: a + b; inc = add 1; in map inc [ 1 2 3 ]
