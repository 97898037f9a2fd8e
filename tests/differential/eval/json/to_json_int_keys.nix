# toJSON with numeric-looking keys sorted as strings
builtins.toJSON { "10" = 1; "9" = 2; "1" = 3; }
