# functions compare unequal even to themselves
let f = x: x; in [ (f == f) ((x: x) == (x: x)) ]
