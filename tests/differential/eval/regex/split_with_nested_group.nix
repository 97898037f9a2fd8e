# split with nested groups
builtins.split "(a(b))" "xaby"
