# toString of derivation
toString (derivation { name = "ts"; system = "x"; builder = "/b"; })
