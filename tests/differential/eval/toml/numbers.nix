# integer forms
builtins.fromTOML ''
  hex = 0xff
  oct = 0o17
  bin = 0b101
  under = 1_000
  neg = -5
  float = 6.25e-1
''
