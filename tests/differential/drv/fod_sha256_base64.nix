# fixed-output sha256 base64
derivation { name = "fod64"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashAlgo = "sha256"; outputHash = "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="; }
