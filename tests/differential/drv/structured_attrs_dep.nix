# structured attrs with dependency
let a = derivation { name = "sa-dep"; system = "x86_64-linux"; builder = "/bin/sh"; }; in derivation { name = "sa"; system = "x86_64-linux"; builder = "/bin/sh"; __structuredAttrs = true; inherit a; outputs = [ "out" "dev" ]; }
