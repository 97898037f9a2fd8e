# strings with special chars in env
derivation { name = "envstr"; system = "x86_64-linux"; builder = "/bin/sh"; s = "quote\" backslash\\ newline\n tab\t unicode é ✓"; }
