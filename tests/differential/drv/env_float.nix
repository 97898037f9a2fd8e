# float env attr
derivation { name = "envfloat"; system = "x86_64-linux"; builder = "/bin/sh"; f = 1.5; g = 0.1; }
