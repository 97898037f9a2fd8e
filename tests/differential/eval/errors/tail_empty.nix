# tail of empty list
builtins.tail [ ]
