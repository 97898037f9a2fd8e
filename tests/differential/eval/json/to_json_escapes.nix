# toJSON escapes control chars
builtins.toJSON "quote\" back\\ nl\n tab\t cr\r ctrl\u0001 dollar$ slash/"
