# context merges across concatenation
let a = derivation { name = "a"; system = "x"; builder = "/b"; }; b = derivation { name = "b"; system = "x"; builder = "/b"; }; in builtins.attrNames (builtins.getContext "${a}${b}${a}")
