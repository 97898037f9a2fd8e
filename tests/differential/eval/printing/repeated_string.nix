# strings are never «repeated»
let s = "x"; in [ s s ]
