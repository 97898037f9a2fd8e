# lone dollar signs
"$ $$ a$b $"
