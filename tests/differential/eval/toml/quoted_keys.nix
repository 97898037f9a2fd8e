# quoted keys
builtins.fromTOML ''
  "key with spaces" = 1
  'literal key' = 2
''
