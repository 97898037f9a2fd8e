# interpolating an int
"${1}"
