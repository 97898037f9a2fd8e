# fixpoint via let
let fix = f: let x = f x; in x; r = fix (self: { a = 1; b = self.a + 1; }); in r.b
