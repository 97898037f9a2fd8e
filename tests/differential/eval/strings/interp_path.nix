# interpolating a path copies it to the store
"${./../_lib/data.txt}"
