# a list of derivations
map (n: derivation { name = "l${toString n}"; system = "x86_64-linux"; builder = "/bin/sh"; }) [ 1 2 3 ]
