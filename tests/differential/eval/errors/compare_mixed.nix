# < on int and string
1 < "a"
