# -A selecting a function auto-calls it
# ARGS: -A f
{ f = { v ? "default" }: v; }
