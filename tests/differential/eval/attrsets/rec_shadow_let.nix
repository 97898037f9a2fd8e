# rec attrs shadow let bindings
let a = 100; in rec { a = 1; b = a; }
