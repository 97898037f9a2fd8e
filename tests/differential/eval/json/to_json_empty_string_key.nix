# empty key
builtins.toJSON { "" = 1; "a b" = 2; }
