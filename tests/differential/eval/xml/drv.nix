# toXML of a derivation
builtins.toXML (derivation { name = "x"; system = "x"; builder = "/b"; })
