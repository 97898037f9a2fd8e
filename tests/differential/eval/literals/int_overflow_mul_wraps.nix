# Nix 2.8 silently wraps on multiplication overflow (newer Nix throws)
9223372036854775807 * 2
