# inner with wins over outer with
with { x = 1; }; with { x = 2; }; x
