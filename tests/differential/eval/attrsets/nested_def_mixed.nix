# attrpath merging with explicit set
{ a = { b = 1; }; a.c = 2; }
