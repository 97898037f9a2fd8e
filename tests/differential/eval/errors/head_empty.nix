# head of empty list
builtins.head [ ]
