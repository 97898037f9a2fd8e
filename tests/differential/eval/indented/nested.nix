# indented string inside interpolation
''
  outer ${''
    inner
  ''} end
''
