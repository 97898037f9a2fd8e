# infinite recursion is detected
let x = x + 1; in x
