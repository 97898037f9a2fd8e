# Nix 2.8 silently wraps on int overflow (newer Nix throws; add to known-differences if sysrebuild follows newer Nix)
9223372036854775807 + 1
