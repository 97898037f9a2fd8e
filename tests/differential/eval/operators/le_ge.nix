# <= and >= are derived from <
[ (1 <= 1) (2 >= 3) ("a" <= "b") (1.5 >= 1) ]
