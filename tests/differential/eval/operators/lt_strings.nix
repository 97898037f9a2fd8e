# < on strings
[ ("abc" < "abd") ("b" < "abc") ("" < "") ]
