# dependents of equivalent FODs
let mk = b: derivation { name = "same"; system = "x86_64-linux"; builder = b; outputHash = "sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="; }; use = s: derivation { name = "use"; system = "x86_64-linux"; builder = "/bin/sh"; inherit s; }; in [ (use (mk "/bin/sh")) (use (mk "/bin/bash")) ]
