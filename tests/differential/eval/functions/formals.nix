# attrset pattern
({ a, b }: a * b) { a = 3; b = 4; }
