# interpolated value with newlines is not re-indented
let x = "l1\n    l2"; in ''
  begin
    ${x}
  end
''
