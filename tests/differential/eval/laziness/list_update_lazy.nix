# ++ does not force elements
builtins.length ([ (throw "a") ] ++ [ (throw "b") ])
