# functionArgs of a primop
builtins.functionArgs builtins.add
