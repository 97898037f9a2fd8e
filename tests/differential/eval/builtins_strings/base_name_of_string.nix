# baseNameOf on strings
baseNameOf "/nix/store/abc-foo"
