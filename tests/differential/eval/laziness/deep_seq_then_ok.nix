# deepSeq over an unused throwing attr in a different set
let s = { a = 1; }; t = { b = throw "x"; }; in builtins.deepSeq s t.c or 0
