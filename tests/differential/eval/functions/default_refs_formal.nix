# defaults can reference other formals
({ a, b ? a * 2, c ? b + 1 }: [ a b c ]) { a = 5; }
