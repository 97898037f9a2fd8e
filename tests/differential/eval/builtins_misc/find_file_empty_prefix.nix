# findFile with empty prefix
builtins.findFile [ { prefix = ""; path = toString ./../_lib; } ] "value.nix"
