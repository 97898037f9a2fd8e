# a derivation depending on a fixed-output one (hash modulo)
let src = derivation { name = "src"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="; }; in derivation { name = "build"; system = "x86_64-linux"; builder = "/bin/sh"; inherit src; }
