# toPath of string
builtins.toPath "/a/b/../c"
