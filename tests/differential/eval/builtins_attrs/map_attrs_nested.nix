# mapAttrs over nested sets
builtins.mapAttrs (n: v: builtins.attrNames v) { x = { p = 1; q = 2; }; y = { }; }
