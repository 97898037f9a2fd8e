# ceil and floor
[ (builtins.ceil 1.5) (builtins.floor 1.5) (builtins.ceil (-1.5)) (builtins.floor (-1.5)) (builtins.ceil 2) (builtins.floor 3) ]
