# modulus helper
let mod = a: b: a - (a / b) * b; in [ (mod 7 3) (mod (-7) 3) ]
