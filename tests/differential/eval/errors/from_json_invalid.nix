# invalid JSON
builtins.fromJSON "{a: 1}"
