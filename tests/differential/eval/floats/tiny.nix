# float underflow
1.0e-200 * 1.0e-200
