# stringLength
[ (builtins.stringLength "") (builtins.stringLength "hello") (builtins.stringLength "a\nb") ]
