# elemAt negative index
builtins.elemAt [ 1 ] (-1)
