# POSIX alternation semantics
builtins.match "(a|ab)(c|bcd)(d*)" "abcd"
