# fixed-output recursive mode
derivation { name = "fodrec"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashMode = "recursive"; outputHashAlgo = "sha256"; outputHash = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"; }
