# deep equality
{ a = [ { b = "x"; } ]; } == { a = [ { b = "x"; } ]; }
