# getContext of outPath
let d = derivation { name = "c"; system = "x"; builder = "/b"; }; in builtins.getContext "${d}"
