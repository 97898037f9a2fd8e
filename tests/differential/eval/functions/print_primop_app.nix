# partially applied primop
builtins.add 1
