# builtins.readFileType (Nix >= 2.14) on a file and a directory
[ (builtins.readFileType ./read_file_type.nix) (builtins.readFileType ./.) ]
