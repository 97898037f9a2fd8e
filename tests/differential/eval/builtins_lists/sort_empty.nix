# sort empty and singleton
[ (builtins.sort builtins.lessThan [ ]) (builtins.sort builtins.lessThan [ 1 ]) ]
