# interpolation works
let x = "X"; in ''
  value: ${x}
  ${x} at start
''
