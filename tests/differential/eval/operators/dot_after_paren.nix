# selecting from parenthesised expression
({ a = { b = 4; }; }).a.b
