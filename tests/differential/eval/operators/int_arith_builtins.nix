# add/sub/mul builtins
[ (builtins.add 1 2) (builtins.sub 1 2) (builtins.mul 3 4) (builtins.add 1.5 1) (builtins.mul 2 0.5) ]
