# drvPath value
(derivation { name = "dp"; system = "x"; builder = "/b"; }).drvPath
