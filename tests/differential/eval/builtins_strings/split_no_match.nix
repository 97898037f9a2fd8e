# split with no match
builtins.split "x" "abc"
