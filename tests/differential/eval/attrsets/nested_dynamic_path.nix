# dynamic component in nested attrpath
let k = "dyn"; in { a.${k}.b = 1; a.static = 2; }
