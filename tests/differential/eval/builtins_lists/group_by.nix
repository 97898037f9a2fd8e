# groupBy
builtins.groupBy (x: if builtins.bitAnd x 1 == 0 then "even" else "odd") [ 1 2 3 4 5 ]
