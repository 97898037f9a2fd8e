# outputs list and out env
derivation { name = "outs"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" ]; }
