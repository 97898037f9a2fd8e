# import of a directory picks default.nix
import ./../_lib/dir
