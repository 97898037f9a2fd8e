# several indented strings in a list
[ ''a'' ''  b'' ''
  c
'' ]
