# negative start
builtins.substring (-1) 2 "abc"
