# outputs order not starting with out
derivation { name = "multi2"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "lib" "out" ]; }
