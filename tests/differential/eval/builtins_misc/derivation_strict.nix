# derivationStrict returns paths
builtins.derivationStrict { name = "ds"; system = "x"; builder = "/b"; }
