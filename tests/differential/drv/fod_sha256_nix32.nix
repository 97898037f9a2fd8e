# fixed-output sha256 nix32
derivation { name = "fod32"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashAlgo = "sha256"; outputHash = "094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic"; }
