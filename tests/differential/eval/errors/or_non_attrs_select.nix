# selecting from a non-set
1.a
