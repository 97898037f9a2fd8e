# unicode in env values
derivation { name = "uni"; system = "x86_64-linux"; builder = "/bin/sh"; v = "日本語 ✓"; }
