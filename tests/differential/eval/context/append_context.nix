# appendContext adds context
let d = derivation { name = "c"; system = "x"; builder = "/b"; }; s = builtins.unsafeDiscardStringContext d.drvPath; in builtins.getContext (builtins.appendContext "x" { ${s} = { outputs = [ "out" ]; }; })
