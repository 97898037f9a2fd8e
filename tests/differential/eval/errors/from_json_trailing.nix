# trailing garbage in JSON
builtins.fromJSON "[1] x"
