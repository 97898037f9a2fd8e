# pathExists
[ (builtins.pathExists ./../_lib/data.txt) (builtins.pathExists ./../_lib/nope) (builtins.pathExists ./.) ]
