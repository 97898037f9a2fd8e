# no patterns
builtins.replaceStrings [ ] [ ] "same"
