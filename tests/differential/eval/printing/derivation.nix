# derivations print as sets in strict mode
derivation { name = "p"; system = "x"; builder = "/b"; }
