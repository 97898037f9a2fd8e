# string comparison is lexicographic by bytes
[ ("a" < "b") ("abc" < "abd") ("" < "a") ("B" < "a") ("a" == "a") ("é" > "z") ]
