# appendContext with a plain path
let f = builtins.toFile "f" "x"; p = builtins.unsafeDiscardStringContext f; in builtins.getContext (builtins.appendContext "y" { ${p} = { path = true; }; })
