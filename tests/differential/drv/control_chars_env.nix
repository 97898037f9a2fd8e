# control characters in env
derivation { name = "ctrl"; system = "x86_64-linux"; builder = "/bin/sh"; v = "a\rb\u0001c"; }
