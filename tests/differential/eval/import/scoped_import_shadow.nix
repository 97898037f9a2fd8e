# scopedImport overrides builtins names
scopedImport { magic = 5; } ./../_lib/scoped.nix
