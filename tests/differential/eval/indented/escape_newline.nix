# ''\n escapes
''
  a''\nb''\tc''\rd''\\e
''
