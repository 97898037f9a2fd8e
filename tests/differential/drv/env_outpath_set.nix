# set with outPath coerced in env
derivation { name = "envset"; system = "x86_64-linux"; builder = "/bin/sh"; p = { outPath = "/some/where"; }; }
