# diamond dependency graph
let base = derivation { name = "base"; system = "x86_64-linux"; builder = "/bin/sh"; }; l = derivation { name = "left"; system = "x86_64-linux"; builder = "/bin/sh"; inherit base; }; r = derivation { name = "right"; system = "x86_64-linux"; builder = "/bin/sh"; inherit base; }; in derivation { name = "top"; system = "x86_64-linux"; builder = "/bin/sh"; inherit l r; }
