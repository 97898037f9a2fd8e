# replaceStrings
builtins.replaceStrings [ "oo" "a" ] [ "0" "A" ] "foo bar baz"
