# sort lists by list comparison
builtins.sort (a: b: a < b) [ [ 2 1 ] [ 1 2 3 ] [ 1 2 ] [ ] ]
