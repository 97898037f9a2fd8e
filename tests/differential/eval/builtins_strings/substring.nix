# substring
[ (builtins.substring 0 3 "hello") (builtins.substring 1 100 "hello") (builtins.substring 5 2 "hello") (builtins.substring 10 2 "hello") (builtins.substring 2 0 "hello") ]
