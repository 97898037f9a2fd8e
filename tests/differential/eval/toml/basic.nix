# fromTOML key types
builtins.fromTOML ''
  a = 1
  b = "str"
  c = true
  d = 1.5
  e = [ 1, 2, 3 ]
''
