# replaceStrings preserves context
let d = derivation { name = "c"; system = "x"; builder = "/b"; }; in builtins.hasContext (builtins.replaceStrings [ "n" ] [ "N" ] "${d}")
