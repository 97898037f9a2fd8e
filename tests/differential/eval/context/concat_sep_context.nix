# concatStringsSep keeps context
let d = derivation { name = "c"; system = "x"; builder = "/b"; }; in builtins.attrNames (builtins.getContext (builtins.concatStringsSep " " [ "a" "${d}" ]))
