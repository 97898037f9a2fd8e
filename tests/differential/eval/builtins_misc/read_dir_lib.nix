# readDir types
builtins.mapAttrs (n: v: v) (builtins.readDir ./../_lib/dir)
