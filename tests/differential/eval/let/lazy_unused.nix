# unused binding is never forced
let bad = throw "boom"; good = 1; in good
