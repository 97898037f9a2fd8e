# placeholder in args
derivation { name = "pha"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "--prefix=${builtins.placeholder "out"}" ]; }
