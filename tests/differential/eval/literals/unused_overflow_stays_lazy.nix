# Integer arithmetic in set values, list elements and let bindings that is never used is never evaluated, even where it would overflow
let
  big = 9223372036854775807;
  unused = big * big;
  s = { a = big * 2; b = big + 1; c = 3 * 4; d = big - 1; };
  l = [ (big * big) (2 * 21) ];
in [ s.c s.d (builtins.elemAt l 1) (builtins.length l) (builtins.attrNames s) ]
