# trailing content after last newline
''
  a
  b  ''
