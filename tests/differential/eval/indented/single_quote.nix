# single quote inside
''
  it's fine
''
