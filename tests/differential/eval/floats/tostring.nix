# toString of floats uses %f-like format
[ (toString 1.0) (toString 0.1) (toString 1.0e20) (toString 1.5e-7) ]
