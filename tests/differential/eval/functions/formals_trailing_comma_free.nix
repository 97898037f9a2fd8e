# formals with many attrs
({ a, b, c, d ? 4, e ? 5 }: a + b + c + d + e) { a = 1; b = 2; c = 3; e = 0; }
