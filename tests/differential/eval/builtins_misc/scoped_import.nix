# scopedImport injects names
scopedImport { magic = 21; } ./../_lib/scoped.nix
