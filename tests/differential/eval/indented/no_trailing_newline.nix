# closing quotes on the last content line
''
  a
  b''
