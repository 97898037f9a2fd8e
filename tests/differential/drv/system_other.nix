# different system string
derivation { name = "sys"; system = "aarch64-darwin"; builder = "/bin/sh"; }
