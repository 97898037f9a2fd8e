# replaceStrings with empty pattern inserts between chars
builtins.replaceStrings [ "" ] [ "-" ] "abc"
