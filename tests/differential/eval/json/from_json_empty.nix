# empty containers
builtins.fromJSON "{\"a\": [], \"b\": {}}"
