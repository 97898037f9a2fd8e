# undefined variable
x + 1
