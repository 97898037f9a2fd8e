# placeholder in env
derivation { name = "ph"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; prefix = builtins.placeholder "out"; devprefix = builtins.placeholder "dev"; }
