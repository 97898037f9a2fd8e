# importing a missing file
import ./does-not-exist.nix
