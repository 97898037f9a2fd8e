# a throw reached through -A
# ARGS: -A b
{ a = 1; b = throw "selected"; }
