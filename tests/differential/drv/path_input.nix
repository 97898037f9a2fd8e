# path copied into the store as input source
derivation { name = "pathin"; system = "x86_64-linux"; builder = "/bin/sh"; src = ./_data/file.txt; }
