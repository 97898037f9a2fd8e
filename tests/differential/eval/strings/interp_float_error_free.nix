# toString float inside interpolation
"v=${toString 0.5}"
