# drvPath as env value
let a = derivation { name = "dp"; system = "x86_64-linux"; builder = "/bin/sh"; }; in derivation { name = "usedp"; system = "x86_64-linux"; builder = "/bin/sh"; d = a.drvPath; }
