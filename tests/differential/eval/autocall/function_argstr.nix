# --argstr supplies a string
# ARGS: --argstr who world
{ who ? "nobody" }: "hello ${who}"
