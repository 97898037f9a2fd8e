# alternation inside a group
builtins.match "(foo|foobar)(bar)?" "foobar"
