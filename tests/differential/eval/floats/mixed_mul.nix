# int * float
3 * 0.5
