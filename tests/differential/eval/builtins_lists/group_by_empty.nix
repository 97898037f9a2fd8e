# groupBy on empty list
builtins.groupBy (x: "k") [ ]
