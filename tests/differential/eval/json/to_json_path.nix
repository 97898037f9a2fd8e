# toJSON of a path copies it to the store
builtins.toJSON ./../_lib/data.txt
