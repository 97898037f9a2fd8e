# unsafeDiscardStringContext removes context
let d = derivation { name = "c"; system = "x"; builder = "/b"; }; in builtins.hasContext (builtins.unsafeDiscardStringContext "${d}")
