# fixed-output sha256 SRI without algo
derivation { name = "fodsri"; system = "x86_64-linux"; builder = "/bin/sh"; outputHash = "sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="; }
