# nested interpolation
let a = "A"; b = "B${a}"; in "x${b + "${a}"}y"
