# builtins.true etc
[ builtins.true builtins.false builtins.null ]
