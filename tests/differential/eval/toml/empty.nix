# empty document
builtins.fromTOML ""
