# JSON built in env
derivation { name = "jenv"; system = "x86_64-linux"; builder = "/bin/sh"; cfg = builtins.toJSON { a = 1; b = [ "x" ]; }; }
