# extra --arg is ignored with ellipsis
# ARGS: --arg x 1 --arg y 2
{ x, ... }: x
