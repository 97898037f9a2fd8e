# null and bools nested
{ a = null; b = true; c = [ false ]; }
