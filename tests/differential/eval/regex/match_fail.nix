# match failure is null
builtins.match "abc" "abcd"
