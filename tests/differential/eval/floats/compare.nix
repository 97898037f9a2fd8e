# comparing ints and floats
[ (1 == 1.0) (1 < 1.5) (2.0 > 1) (0.1 + 0.2 == 0.3) ]
