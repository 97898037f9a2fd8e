# variable not in with scope
with { a = 1; }; b
