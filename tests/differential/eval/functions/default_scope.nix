# defaults see formals, not outer shadowing
let b = 100; in ({ a ? b, b ? 2 }: a) { }
