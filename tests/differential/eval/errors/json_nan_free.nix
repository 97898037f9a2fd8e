# toJSON of a lambda inside a set
builtins.toJSON { f = x: x; }
