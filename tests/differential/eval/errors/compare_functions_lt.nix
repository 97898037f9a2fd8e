# < on functions
(x: x) < (x: x)
