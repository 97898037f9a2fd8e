# interpolating a list
"${[ "a" ]}"
