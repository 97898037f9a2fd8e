# float division
10.0 / 4
