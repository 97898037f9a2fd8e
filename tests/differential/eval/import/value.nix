# import of a value file
import ./../_lib/value.nix
