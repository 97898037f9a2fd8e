# toFile referencing another toFile (store path reference)
let inner = builtins.toFile "inner" "x"; in derivation { name = "tfdep"; system = "x86_64-linux"; builder = "/bin/sh"; f = builtins.toFile "f" "path: ${inner}"; }
