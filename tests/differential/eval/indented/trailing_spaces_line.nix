# final line with only spaces is removed
''
  a
  ''
