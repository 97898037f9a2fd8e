# or binds to select, not application
let s = { }; f = x: x; in f s.a or 3
