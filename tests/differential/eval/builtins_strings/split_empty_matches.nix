# split with pattern matching empty
builtins.split "b*" "abc"
