# same lambda twice
let f = x: x; in [ f f ]
