# isPath on strings
builtins.isPath "/etc"
