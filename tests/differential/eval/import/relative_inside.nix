# relative paths inside the imported file resolve relative to it
import ./../_lib/uses_relative.nix
