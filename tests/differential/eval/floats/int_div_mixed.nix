# int divided by float
7 / 2.0
