# POSIX character classes
[ (builtins.match "[[:alpha:]]+" "abcXYZ") (builtins.match "[[:digit:]]+" "0123") (builtins.match "[[:space:]]*" " \t\n") (builtins.match "[[:alpha:]]+" "ab1") ]
