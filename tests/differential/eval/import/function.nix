# import of a function file
import ./../_lib/fn.nix { a = 1; }
