# recursion through rec set
let s = rec { f = n: if n == 0 then 1 else n * f (n - 1); }; in s.f 10
