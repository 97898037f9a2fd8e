# null becomes empty string
derivation { name = "envnull"; system = "x86_64-linux"; builder = "/bin/sh"; n = null; }
