# dot and newline
[ (builtins.match "a.c" "abc") (builtins.match "a.c" "a\nc") ]
