# plain strings have no context
builtins.hasContext "abc"
