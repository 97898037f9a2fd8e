# strings are escaped when printed
[ "\"" "\\" "\n" "\${" "$" "\t" "\r" ]
