# dependencies in a list attr
let mk = n: derivation { name = n; system = "x86_64-linux"; builder = "/bin/sh"; }; in derivation { name = "listdeps"; system = "x86_64-linux"; builder = "/bin/sh"; deps = [ (mk "d1") (mk "d2") ]; }
