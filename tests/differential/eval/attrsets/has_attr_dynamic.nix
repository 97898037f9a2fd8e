# ? with dynamic names
let k = "a"; in { a = 1; } ? ${k}
