# filter
builtins.filter (x: builtins.bitAnd x 1 == 0) [ 1 2 3 4 5 6 ]
