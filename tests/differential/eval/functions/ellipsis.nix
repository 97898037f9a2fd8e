# ellipsis allows extra attrs
({ a, ... }: a) { a = 1; b = 2; }
