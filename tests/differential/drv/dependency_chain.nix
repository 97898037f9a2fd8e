# chain of three derivations
let a = derivation { name = "c1"; system = "x86_64-linux"; builder = "/bin/sh"; }; b = derivation { name = "c2"; system = "x86_64-linux"; builder = "/bin/sh"; inherit a; }; in derivation { name = "c3"; system = "x86_64-linux"; builder = "/bin/sh"; inherit b; }
