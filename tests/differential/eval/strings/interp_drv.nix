# interpolating a derivation gives outPath
let d = derivation { name = "s"; system = "x"; builder = "/b"; }; in "p=${d}"
