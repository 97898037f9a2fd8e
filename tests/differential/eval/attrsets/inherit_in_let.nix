# inherit in let
let s = { p = 5; }; inherit (s) p; in p * 2
