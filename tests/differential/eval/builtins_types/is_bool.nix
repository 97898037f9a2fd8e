# isBool
[ (builtins.isBool true) (builtins.isBool 0) ]
