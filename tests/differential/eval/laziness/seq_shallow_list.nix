# seq on list does not force elements
builtins.seq [ (throw "x") ] 1
