# -A naming a missing attribute
# ARGS: -A nope
{ a = 1; }
