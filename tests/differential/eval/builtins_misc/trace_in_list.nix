# trace inside data
[ (builtins.trace { a = 1; } 1) (builtins.trace [ 1 ] 2) ]
