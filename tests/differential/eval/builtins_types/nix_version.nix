# nixVersion value (differs by design: see known-differences.toml)
builtins.nixVersion
