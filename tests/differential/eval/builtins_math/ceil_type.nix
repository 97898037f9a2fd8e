# ceil returns int
builtins.typeOf (builtins.ceil 1.2)
