# seq returns second arg
builtins.seq 1 2
