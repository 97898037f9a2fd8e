# split on empty string
builtins.split "a" ""
