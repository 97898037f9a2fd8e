# placeholder hashes
[ (builtins.placeholder "out") (builtins.placeholder "dev") ]
