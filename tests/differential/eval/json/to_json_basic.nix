# toJSON of scalars
[ (builtins.toJSON 1) (builtins.toJSON "s") (builtins.toJSON true) (builtins.toJSON null) (builtins.toJSON 1.5) ]
