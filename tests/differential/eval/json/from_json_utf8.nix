# raw utf8 in JSON strings
builtins.fromJSON "\"日本\""
