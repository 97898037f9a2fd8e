# printing of large floats
[ 1.0e15 1.0e16 123456.789 1234567.0 0.000123 ]
