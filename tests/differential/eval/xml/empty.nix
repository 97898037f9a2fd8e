# toXML of empty containers
builtins.toXML [ [ ] { } ]
