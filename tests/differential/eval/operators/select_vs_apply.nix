# selection binds tighter than application
let s = { f = x: x * 3; }; in s.f 2
