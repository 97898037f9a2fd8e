# sub mixed types
[ (builtins.sub 1 0.5) (builtins.sub 10 3) ]
