# name with underscores and equals
derivation { name = "a_b=c?d"; system = "x86_64-linux"; builder = "/bin/sh"; }
