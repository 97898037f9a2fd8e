# a long env value
derivation { name = "long"; system = "x86_64-linux"; builder = "/bin/sh"; v = builtins.concatStringsSep "," (builtins.genList toString 500); }
