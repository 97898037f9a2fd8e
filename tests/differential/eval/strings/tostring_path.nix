# toString of a path does not copy
builtins.substring 0 1 (toString ./.)
