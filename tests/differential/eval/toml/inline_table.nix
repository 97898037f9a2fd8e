# inline tables and dotted keys
builtins.fromTOML ''
  point = { x = 1, y = 2 }
  a.b.c = "dotted"
''
