# duplicate attribute definition
{ a = 1; a = 2; }
