# derivation with invalid name
(derivation { name = "a b"; system = "x"; builder = "/b"; }).drvPath
