# fixed-output flat sha1 nix32
derivation { name = "fodsha1n32"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashAlgo = "sha1"; outputHash = "9m1skbnr5i43n3yypvda5s65vhfwdx5a"; }
