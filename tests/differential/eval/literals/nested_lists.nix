# nested lists
[ [ [ 1 ] [ ] ] [ 2 3 ] ]
