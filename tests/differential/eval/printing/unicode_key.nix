# unicode attribute names
{ "é" = 1; "日本" = 2; }
