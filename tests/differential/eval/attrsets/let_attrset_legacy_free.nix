# let expression with attrset body
let x = { y = 1; }; in x // { z = 2; }
