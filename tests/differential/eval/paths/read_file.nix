# readFile of a sibling file
builtins.readFile ./../_lib/data.txt
