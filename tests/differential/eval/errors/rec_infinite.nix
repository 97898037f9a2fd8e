# infinite recursion in rec
rec { a = b; b = a; }.a
