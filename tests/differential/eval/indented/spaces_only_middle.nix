# lines with fewer spaces in the middle
''
    a
  
    b
''
