# substring with negative length takes the rest
builtins.substring 1 (-1) "hello"
