# imports its own sibling relative to itself
import ./value.nix + 1
