# hashString of a string with context (context discarded)
builtins.hashString "sha256" "${derivation { name = "h"; system = "x"; builder = "/b"; }}"
