# sysrebuild reports a Nix version of at least 2.18
builtins.compareVersions builtins.nixVersion "2.18" >= 0
