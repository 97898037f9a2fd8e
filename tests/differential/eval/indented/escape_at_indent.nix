# escape at start of line counts as content
''
    ''${x}
  y
''
