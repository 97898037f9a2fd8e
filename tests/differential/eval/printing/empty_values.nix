# empty containers nested
{ a = { }; b = [ ]; c = ""; }
