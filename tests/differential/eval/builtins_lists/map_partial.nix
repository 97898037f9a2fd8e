# map with partial primop
map (builtins.add 10) [ 1 2 ]
