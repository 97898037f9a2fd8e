# listToAttrs element without name
builtins.listToAttrs [ { value = 1; } ]
