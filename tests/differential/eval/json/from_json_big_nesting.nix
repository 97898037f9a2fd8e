# deeply nested JSON
builtins.fromJSON "[[[[[[[[[[1]]]]]]]]]]"
