# float division by zero
1.0 / 0
