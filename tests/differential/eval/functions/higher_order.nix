# functions returning functions
let compose = f: g: x: f (g x); in compose (x: x * 2) (x: x + 1) 5
