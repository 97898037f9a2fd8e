# or default when missing
let s = { a = 1; }; in [ (s.a or 0) (s.b or 0) (s.a.b or 9) (s.x.y.z or "deep") ]
