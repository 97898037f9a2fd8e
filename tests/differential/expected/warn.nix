# builtins.warn (Nix >= 2.23) returns its second argument
builtins.warn "a warning on stderr" 5
