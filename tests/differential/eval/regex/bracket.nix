# bracket expressions
[ (builtins.match "[^a-c]+" "xyz") (builtins.match "[a-c-]+" "a-b") (builtins.match "[]a]+" "]a") ]
