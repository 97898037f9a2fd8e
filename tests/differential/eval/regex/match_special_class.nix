# match with backslash class-like escapes in bracket
builtins.match "[a-z0-9._-]+" "foo.bar-1_2"
