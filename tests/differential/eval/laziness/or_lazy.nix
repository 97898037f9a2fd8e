# or default not evaluated when attr exists
{ a = 1; }.a or (throw "no")
