# sort descending
builtins.sort (a: b: a > b) [ 1 5 3 4 2 ]
