# common indentation is stripped
''
  foo
  bar
''
