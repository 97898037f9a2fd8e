# list with numbers of mixed type
[ 1 2.0 ] == [ 1.0 2 ]
