# tab after spaces
''
  	a
  b
''
