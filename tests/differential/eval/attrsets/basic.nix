# simple attrset, keys sorted on print
{ b = 2; a = 1; c = 3; }
