# content on first line
''first
  second
''
