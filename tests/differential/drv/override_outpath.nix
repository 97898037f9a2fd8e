# passing extra meta-ish attrs
derivation { name = "meta"; system = "x86_64-linux"; builder = "/bin/sh"; description = "A thing"; license = [ "MIT" "BSD" ]; }
