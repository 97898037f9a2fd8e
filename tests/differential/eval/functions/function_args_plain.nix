# functionArgs of plain lambda
builtins.functionArgs (x: x)
