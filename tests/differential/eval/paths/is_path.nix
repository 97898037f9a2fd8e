# isPath
[ (builtins.isPath ./.) (builtins.isPath "/a") ]
