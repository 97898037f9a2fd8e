# toJSON of nested values sorts keys
builtins.toJSON { b = [ 1 2 { c = null; } ]; a = { x = "y"; }; e = [ ]; f = { }; }
