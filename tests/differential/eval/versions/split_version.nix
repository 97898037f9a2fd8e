# splitVersion
map builtins.splitVersion [ "1.2.3" "1.2a" "2.0pre-rc1" "" "1..2" "abc" "1-2_3" ]
