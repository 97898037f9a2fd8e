# minimal derivation
derivation { name = "plain"; system = "x86_64-linux"; builder = "/bin/sh"; }
