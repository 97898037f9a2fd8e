# -A selects an attribute
# ARGS: -A a.b
{ a = { b = [ 1 2 ]; c = throw "unused"; }; }
