# ''$ escapes a dollar
''
  ''${not}
  $${also}
''
