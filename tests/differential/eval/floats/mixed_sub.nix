# float - int
5.5 - 2
