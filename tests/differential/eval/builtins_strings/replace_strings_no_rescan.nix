# replacement is not rescanned
builtins.replaceStrings [ "a" ] [ "aa" ] "aaa"
