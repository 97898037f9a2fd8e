# dependency via string context creates inputDrvs
let a = derivation { name = "a"; system = "x86_64-linux"; builder = "/bin/sh"; }; in derivation { name = "b"; system = "x86_64-linux"; builder = "/bin/sh"; dep = a; }
