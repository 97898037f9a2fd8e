# backslashes are literal
''
  C:\path\n
''
