# duplicate keys in objects
builtins.fromJSON ''{"a": 1, "a": 2}''
