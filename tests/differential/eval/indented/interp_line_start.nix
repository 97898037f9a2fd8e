# interpolation at line start counts as content for indentation
let x = "Y"; in ''
    ${x}
  a
''
