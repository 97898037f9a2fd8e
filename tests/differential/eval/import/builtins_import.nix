# builtins.import
builtins.import ./../_lib/value.nix
