# toXML of a path
builtins.toXML /some/path
