# rec with nested references
rec { x = { y = z; }; z = 7; w = x.y; }
