# split returns strings and match lists
builtins.split "," "a,b,c"
