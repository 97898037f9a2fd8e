# attribute names needing quotes print quoted
{ "foo-bar" = 1; "1a" = 2; "a b" = 3; "" = 4; "a.b" = 5; foo_bar = 6; "x'" = 7; "with" = 8; "true" = 9; }
