# floats in JSON output
builtins.toJSON [ 1.0 0.1 1.0e20 1.5e-7 (0.1 + 0.2) ]
