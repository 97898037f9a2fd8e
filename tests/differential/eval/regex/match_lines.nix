# match on multi-line input
builtins.match "([^\n]*)\n(.*)" "first\nsecond"
