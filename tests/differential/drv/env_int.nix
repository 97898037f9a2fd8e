# int env attr
derivation { name = "envint"; system = "x86_64-linux"; builder = "/bin/sh"; n = 42; neg = -7; }
