# toXML of a plain string
builtins.toXML "hello"
