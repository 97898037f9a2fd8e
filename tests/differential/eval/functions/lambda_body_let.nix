# lambda body with let and with
let f = { x }: let y = x + 1; in with { z = y * 2; }; z; in f { x = 1; }
