# replaceStrings lists of different length
builtins.replaceStrings [ "a" ] [ ] "abc"
