# name with plus
derivation { name = "g++-wrapper"; system = "x86_64-linux"; builder = "/bin/sh"; }
