# single line indented string
''  one line  ''
