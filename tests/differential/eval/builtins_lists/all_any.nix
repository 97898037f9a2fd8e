# all and any
[ (builtins.all (x: x > 0) [ 1 2 ]) (builtins.all (x: x > 0) [ ]) (builtins.any (x: x > 1) [ 1 2 ]) (builtins.any (x: x) [ ]) ]
