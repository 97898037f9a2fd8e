# length of escapes
builtins.stringLength "\n\t\\\$"
