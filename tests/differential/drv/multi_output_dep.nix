# depending on a non-default output
let m = derivation { name = "m"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; }; in derivation { name = "usesdev"; system = "x86_64-linux"; builder = "/bin/sh"; d = m.dev; }
