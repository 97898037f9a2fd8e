# fixed-output recursive with SRI
derivation { name = "fodrecsri"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashMode = "recursive"; outputHash = "sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="; }
