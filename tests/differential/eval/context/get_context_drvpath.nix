# getContext of drvPath (allOutputs)
let d = derivation { name = "c"; system = "x"; builder = "/b"; }; in builtins.getContext d.drvPath
