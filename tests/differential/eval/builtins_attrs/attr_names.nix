# attrNames is sorted
builtins.attrNames { z = 1; a = 2; m = 3; "B" = 4; }
