# match without groups
builtins.match "abc" "abc"
