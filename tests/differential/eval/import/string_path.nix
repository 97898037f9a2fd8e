# import of a string path
import (toString ./../_lib/value.nix)
