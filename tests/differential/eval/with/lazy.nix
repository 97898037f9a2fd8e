# with is lazy in its set
with { a = 1; b = throw "no"; }; a
