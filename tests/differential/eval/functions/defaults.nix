# default values
({ a, b ? 10 }: a + b) { a = 1; }
