# functionArgs reports defaults
builtins.functionArgs ({ a, b ? 1, ... }: a)
