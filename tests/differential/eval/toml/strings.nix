# basic, literal and multi-line strings
builtins.fromTOML ''
  basic = "tab\tnewline\nquote\""
  literal = 'C:\path'
  multi = """
  line1
  line2"""
''
