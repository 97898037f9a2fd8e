# float overflow to large value
1.0e200 * 1.0e100
