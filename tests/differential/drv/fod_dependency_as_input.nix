# FOD used as input to a multi-output drv
let f = derivation { name = "fsrc"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashMode = "recursive"; outputHash = "sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="; }; in derivation { name = "mob"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "lib" ]; src = f; }
