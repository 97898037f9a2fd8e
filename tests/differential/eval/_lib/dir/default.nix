# default.nix in a directory
{ fromDir = true; }
