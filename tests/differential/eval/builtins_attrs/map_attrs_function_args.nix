# mapAttrs over functionArgs
builtins.mapAttrs (n: v: !v) (builtins.functionArgs ({ x, y ? 1 }: x))
