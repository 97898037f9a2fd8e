# isNull
[ (builtins.isNull null) (isNull 0) ]
