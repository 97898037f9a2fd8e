# toFile as builder arg
derivation { name = "tfb"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ (builtins.toFile "b.sh" "#!/bin/sh\necho built > $out\n") ]; }
