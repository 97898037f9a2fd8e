# paths print as absolute
./../_lib/data.txt
