# comparator returning non-bool
builtins.sort (a: b: 1) [ 1 2 ]
