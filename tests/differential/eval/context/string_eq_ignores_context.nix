# string equality ignores context
let d = derivation { name = "c"; system = "x"; builder = "/b"; }; in "${d}" == builtins.unsafeDiscardStringContext "${d}"
