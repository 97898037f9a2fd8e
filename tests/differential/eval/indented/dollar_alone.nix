# lone dollar
''
  $ and $$ and $a
''
