# interpolation of a string
let x = "world"; in "hello ${x}!"
