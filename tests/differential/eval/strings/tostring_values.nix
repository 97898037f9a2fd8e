# toString of various values
[ (toString true) (toString false) (toString null) (toString 12) (toString [ 1 [ 2 "x" ] null true ]) (toString "s") ]
