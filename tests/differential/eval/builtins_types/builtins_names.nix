# the full list of builtins (differs by design: see known-differences.toml)
builtins.attrNames builtins
