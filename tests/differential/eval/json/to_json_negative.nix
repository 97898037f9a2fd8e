# negative numbers
builtins.toJSON [ (-1) (-1.5) 0 ]
