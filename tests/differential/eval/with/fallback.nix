# outer with provides names missing in inner
with { a = 1; }; with { b = 2; }; a + b
