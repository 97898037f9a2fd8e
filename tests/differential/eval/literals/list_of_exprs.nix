# list elements are selects and applications need parens
let f = x: x * 2; in [ (f 1) f.__no or 3 ]
