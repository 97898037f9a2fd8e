# context of a non-default output
let d = derivation { name = "m"; system = "x"; builder = "/b"; outputs = [ "out" "dev" ]; }; in builtins.getContext "${d.dev} ${d.out}"
