# builtins.builtins is builtins
builtins.builtins.builtins.add 1 2
