# bools become 1 and empty
derivation { name = "envbool"; system = "x86_64-linux"; builder = "/bin/sh"; t = true; f = false; }
