# lists joined by spaces
derivation { name = "envlist"; system = "x86_64-linux"; builder = "/bin/sh"; l = [ "a" 1 true false null [ "nested" "x" ] ]; empty = [ ]; }
