# intersectAttrs with disjoint sets
builtins.intersectAttrs { a = 1; } { b = 2; }
