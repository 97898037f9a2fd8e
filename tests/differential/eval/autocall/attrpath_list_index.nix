# -A with a list index
# ARGS: -A xs.1
{ xs = [ "zero" "one" ]; }
