# < on lists compares lexicographically
[ ([ 1 2 ] < [ 1 3 ]) ([ 1 ] < [ 1 0 ]) ([ ] < [ 1 ]) ([ 2 ] < [ 1 5 ]) ([ "a" 1 ] < [ "a" 2 ]) ]
