# integer division truncates toward zero
[ (7 / 2) (-7 / 2) (7 / -2) (-7 / -2) (0 / 5) ]
