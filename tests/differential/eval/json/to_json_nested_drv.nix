# toJSON of attrs containing a derivation
builtins.toJSON { d = derivation { name = "jd"; system = "x"; builder = "/b"; }; }
