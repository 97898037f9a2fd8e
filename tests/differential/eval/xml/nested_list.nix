# toXML of nested list
builtins.toXML [ [ 1 [ 2 ] ] ]
