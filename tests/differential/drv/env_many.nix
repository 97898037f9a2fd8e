# many env attrs sorted
derivation { name = "envmany"; system = "x86_64-linux"; builder = "/bin/sh"; zeta = "z"; alpha = "a"; Mid = "m"; _under = "u"; "with-dash" = "d"; }
