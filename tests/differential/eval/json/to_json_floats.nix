# float formatting in JSON
builtins.toJSON [ 0.1 1.0 100.0 1.0e-5 123456789.123 (1.0 / 3) ]
