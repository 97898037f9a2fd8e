# floats inside lists
[ 1.0 2.5 (-0.5) ]
