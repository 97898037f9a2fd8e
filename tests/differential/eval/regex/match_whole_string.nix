# match must match entire string
builtins.match "b" "abc"
