# substring preserves context
let d = derivation { name = "c"; system = "x"; builder = "/b"; }; in builtins.hasContext (builtins.substring 0 3 "${d}")
