# helper imported by import cases
{ double = x: x * 2; name = "helper"; }
