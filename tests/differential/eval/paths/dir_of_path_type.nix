# dirOf on a path returns a path
builtins.typeOf (dirOf ./foo)
