# operators spanning lines
1
  + 2
  * 3
