# toFile must not reference a derivation output
let a = derivation { name = "ref"; system = "x86_64-linux"; builder = "/bin/sh"; }; in builtins.toFile "f" "path: ${a}"
