# let can shadow builtins-level names
let true = false; in true
