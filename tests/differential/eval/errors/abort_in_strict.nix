# --strict forces abort in a list
[ (abort "x") ]
