# lambdas and primops inside sets
{ f = x: x; p = builtins.map; pa = builtins.map (x: x); }
