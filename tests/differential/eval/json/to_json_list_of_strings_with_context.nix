# toJSON of list with derivations
builtins.toJSON [ (derivation { name = "j1"; system = "x"; builder = "/b"; }) "x" ]
