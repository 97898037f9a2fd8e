# unary minus on literal
-42
