# negative floats
[ (-1.5) (0 - 0.25) (-0.0) ]
