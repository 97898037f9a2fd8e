# exponent literal forms
[ 1.5e3 2.E2 .5 0.25e-2 ]
