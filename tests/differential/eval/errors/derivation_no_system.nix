# derivation without system
(derivation { name = "x"; builder = "/b"; }).drvPath
