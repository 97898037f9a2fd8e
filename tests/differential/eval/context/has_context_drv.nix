# outPath of derivation has context
let d = derivation { name = "c"; system = "x"; builder = "/b"; }; in builtins.hasContext "${d}"
