# adding int and string
1 + "a"
