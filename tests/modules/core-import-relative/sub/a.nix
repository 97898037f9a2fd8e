{ imports = [ ./b.nix ]; a = 6; }
