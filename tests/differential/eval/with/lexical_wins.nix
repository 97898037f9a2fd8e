# lexical binding beats with
let x = 1; in with { x = 2; }; x
