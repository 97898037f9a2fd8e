# name with dots and digits
derivation { name = "foo.bar-1.2.3"; system = "x86_64-linux"; builder = "/bin/sh"; }
