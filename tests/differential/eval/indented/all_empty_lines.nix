# only empty lines
''


''
