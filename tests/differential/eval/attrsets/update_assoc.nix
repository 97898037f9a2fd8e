# // is right associative and shallow
{ a = { x = 1; }; } // { a = { y = 2; }; } // { b = 1; }
