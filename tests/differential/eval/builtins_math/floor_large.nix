# floor of large float
builtins.floor 1.0e15
