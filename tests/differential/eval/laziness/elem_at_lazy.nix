# elemAt does not force other elements
builtins.elemAt [ (throw "x") 2 ] 1
