# builder arguments
derivation { name = "args"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo hello > $out" ]; }
