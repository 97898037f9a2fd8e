# builtins.convertHash (Nix >= 2.19): SRI to base16
builtins.convertHash { hash = "sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="; toHashFormat = "base16"; }
