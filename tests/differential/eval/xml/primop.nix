# toXML of primop
builtins.toXML builtins.add
