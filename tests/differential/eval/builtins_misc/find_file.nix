# findFile with an explicit search path
builtins.findFile [ { prefix = "lib"; path = toString ./../_lib; } ] "lib/data.txt"
