# name starting with a digit
derivation { name = "0day-thing"; system = "x86_64-linux"; builder = "/bin/sh"; }
