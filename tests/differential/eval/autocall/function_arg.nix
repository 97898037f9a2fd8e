# --arg supplies a formal
# ARGS: --arg n 5
{ n }: n * 2
