# passAsFile with several attributes
derivation { name = "paf2"; system = "x86_64-linux"; builder = "/bin/sh"; passAsFile = [ "a" "b" ]; a = "A"; b = "B"; c = "C"; }
