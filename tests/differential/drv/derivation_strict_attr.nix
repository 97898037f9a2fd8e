# derivationStrict-style attrs via derivation with args list of ints
derivation { name = "argints"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ 1 2 ]; }
