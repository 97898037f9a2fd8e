# directory copied into the store as input source
derivation { name = "dirin"; system = "x86_64-linux"; builder = "/bin/sh"; src = ./_data; }
