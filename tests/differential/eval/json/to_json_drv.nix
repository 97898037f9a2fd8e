# toJSON of derivation gives outPath
builtins.toJSON (derivation { name = "j"; system = "x"; builder = "/b"; })
