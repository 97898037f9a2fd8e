# top-level scalars
[ (builtins.fromJSON "1") (builtins.fromJSON "\"s\"") (builtins.fromJSON "null") (builtins.fromJSON "true") ]
