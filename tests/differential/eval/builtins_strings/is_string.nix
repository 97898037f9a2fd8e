# isString
[ (builtins.isString "") (builtins.isString ./.) (builtins.isString 1) ]
