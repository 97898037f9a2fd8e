# quantifiers
[ (builtins.match "a{2,3}" "aaa") (builtins.match "a{2}" "aaa") (builtins.match "a+b*c?" "aaab") (builtins.match "(ab)*" "ababab") ]
