# < on int/float mixed
[ (1 < 1.5) (2.5 < 2) ]
