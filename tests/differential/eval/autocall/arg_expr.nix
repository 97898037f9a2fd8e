# --arg value is an expression
# ARGS: --arg xs [1(2+3)]
{ xs }: builtins.length xs
