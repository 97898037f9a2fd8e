# syntax error
{ a = ; }
