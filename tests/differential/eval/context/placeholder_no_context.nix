# placeholder has no context
builtins.hasContext (builtins.placeholder "out")
