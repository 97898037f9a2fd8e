# toString numbers
[ (toString 0) (toString (-5)) (toString 2.5) ]
