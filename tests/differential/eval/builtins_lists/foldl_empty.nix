# foldl' on empty list returns initial
builtins.foldl' throw 7 [ ]
