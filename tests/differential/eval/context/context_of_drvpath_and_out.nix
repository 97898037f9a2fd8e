# context of a string containing drvPath and outPath
let d = derivation { name = "k"; system = "x"; builder = "/b"; }; in builtins.getContext "${d.drvPath}${d.outPath}"
