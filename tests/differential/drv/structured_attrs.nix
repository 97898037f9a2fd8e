# __structuredAttrs serializes env as JSON
derivation { name = "structured"; system = "x86_64-linux"; builder = "/bin/sh"; __structuredAttrs = true; n = 1; l = [ 1 "a" true null ]; s = { x = 1.5; y = [ ]; }; b = false; }
