# ''' yields two quotes
''
  a '''quoted''' b
''
