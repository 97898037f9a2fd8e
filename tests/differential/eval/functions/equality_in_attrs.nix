# attrsets containing the same function
let f = x: x; in { a = f; } == { a = f; }
