# false
false
