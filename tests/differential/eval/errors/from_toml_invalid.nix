# invalid TOML
builtins.fromTOML "a = "
