# minimum indentation determines strip
''
    four
  two
      six
''
