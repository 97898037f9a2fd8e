# an --arg given but a required formal missing
# ARGS: --arg x 1
{ x, y }: x + y
