# large float
123456789012.0
