# toXML of attribute sets
builtins.toXML { b = 1; a = { c = "x"; }; }
