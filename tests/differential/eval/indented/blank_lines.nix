# blank lines in the middle do not affect indentation
''
    a

    b
''
