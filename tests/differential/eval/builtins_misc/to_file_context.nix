# toFile result has context
builtins.getContext (builtins.toFile "a" "b")
