# let with inherit and normal bindings
let s = { a = 1; }; inherit (s) a; b = a + 1; in [ a b ]
