# same value printed twice shows «repeated»
let x = { a = 1; }; in [ x x ]
