# path with interpolation (not in 2.8: use concatenation)
/x + "/${"y"}"
