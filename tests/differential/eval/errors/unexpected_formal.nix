# unexpected argument without ellipsis
({ a }: a) { a = 1; b = 2; }
