# builder as an arbitrary string
derivation { name = "b"; system = "builtin"; builder = "builtin:fetchurl"; url = "http://example.org/x"; outputHash = "sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="; }
