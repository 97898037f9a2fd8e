# attribute names needing quotes
{ "a-b" = 1; "a'b" = 2; "_a" = 3; "A1" = 4; "1" = 5; "a.b" = 6; "if" = 7; "rec" = 8; "" = 9; }
