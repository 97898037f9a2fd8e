# typeOf derivation
builtins.typeOf (derivation { name = "t"; system = "x"; builder = "/b"; })
