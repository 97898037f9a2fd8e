# zero
0
