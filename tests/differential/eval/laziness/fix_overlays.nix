# overlay-style fixpoint
let fix = f: let x = f x; in x; extend = f: g: self: let super = f self; in super // g self super; base = self: { a = 1; b = self.a * 10; }; ov = self: super: { a = 5; }; in (fix (extend base ov)).b
