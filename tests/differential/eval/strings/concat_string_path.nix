# string + path is a string (copies to store)
"prefix-" + ./../_lib/data.txt
