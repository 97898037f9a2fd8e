# add with floats
builtins.add 0.5 0.25
