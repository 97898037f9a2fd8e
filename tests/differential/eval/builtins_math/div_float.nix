# division float results
[ (1 / 4.0) (builtins.div 1.0 8) ]
