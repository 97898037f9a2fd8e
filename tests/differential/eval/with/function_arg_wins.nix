# function argument beats with
(x: with { x = 5; }; x) 3
