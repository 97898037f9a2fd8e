# listToAttrs empty
builtins.listToAttrs [ ]
