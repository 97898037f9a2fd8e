# tabs are not indentation
''
	tab
  space
''
