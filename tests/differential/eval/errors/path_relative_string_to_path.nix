# toPath of relative string
builtins.toPath "relative"
