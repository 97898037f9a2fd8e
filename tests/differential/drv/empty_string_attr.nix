# empty string attributes
derivation { name = "es"; system = "x86_64-linux"; builder = "/bin/sh"; e = ""; }
