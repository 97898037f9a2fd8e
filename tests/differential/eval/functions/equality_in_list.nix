# lists containing the same function
let f = x: x; in [ f ] == [ f ]
