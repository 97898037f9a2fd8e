# with brings attrs into scope
with { a = 1; b = 2; }; a + b
