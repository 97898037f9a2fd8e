# derivation using a rec set for attrs
derivation (rec { name = "rec-${version}"; version = "1.0"; system = "x86_64-linux"; builder = "/bin/sh"; })
